{
  "targets": [
    {
      "target_name": "storegc_native",
      "sources": ["native/module.c", "native/mapFile.c", "native/linkTimes.c", "native/unlinkEach.c", "native/byteOrder.c", "native/listDir.c", "native/listStore.c", "native/listMatched.c", "native/rootRows.c", "native/readLinks.c", "native/writeAll.c", "native/threadJobs.c", "native/renumber.c", "native/mallocTrim.c", "native/crc32.c"],
      "cflags": ["-O2", "-Wall", "-ffp-contract=off"]
    }
  ]
}
