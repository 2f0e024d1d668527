file(REMOVE_RECURSE
  "CMakeFiles/kalem.dir/src/main.c.o"
  "CMakeFiles/kalem.dir/src/main.c.o.d"
  "kalem"
  "kalem.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kalem.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
