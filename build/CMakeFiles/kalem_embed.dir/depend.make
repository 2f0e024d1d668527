# Empty dependencies file for kalem_embed.
# This may be replaced when dependencies are built.
