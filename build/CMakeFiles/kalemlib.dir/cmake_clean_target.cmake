file(REMOVE_RECURSE
  "libkalemlib.a"
)
