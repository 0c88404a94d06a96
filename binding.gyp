{
  "targets": [
    {
      "target_name": "storegc_native",
      "sources": ["native/mapFile.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
