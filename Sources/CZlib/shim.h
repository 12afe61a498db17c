#ifndef POSTBATCH_CZLIB_SHIM_H
#define POSTBATCH_CZLIB_SHIM_H
#include <zlib.h>
#endif
