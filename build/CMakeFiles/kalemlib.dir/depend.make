# Empty dependencies file for kalemlib.
# This may be replaced when dependencies are built.
