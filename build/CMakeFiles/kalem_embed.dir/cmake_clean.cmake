file(REMOVE_RECURSE
  "CMakeFiles/kalem_embed.dir/tools/embed.c.o"
  "CMakeFiles/kalem_embed.dir/tools/embed.c.o.d"
  "kalem_embed"
  "kalem_embed.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kalem_embed.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
