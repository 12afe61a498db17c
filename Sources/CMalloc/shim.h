#ifndef POSTBATCH_CMALLOC_SHIM_H
#define POSTBATCH_CMALLOC_SHIM_H
#include <malloc.h>
#endif
