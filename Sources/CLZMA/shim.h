#ifndef POSTBATCH_CLZMA_SHIM_H
#define POSTBATCH_CLZMA_SHIM_H
#include <lzma.h>
#endif
