# Empty dependencies file for kalem.
# This may be replaced when dependencies are built.
