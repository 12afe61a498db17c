// Only a header: LLVMFuzzerRunDriver comes from the toolchain's libFuzzer.
