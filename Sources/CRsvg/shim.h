#ifndef POSTBATCH_CRSVG_SHIM_H
#define POSTBATCH_CRSVG_SHIM_H
#include <librsvg/rsvg.h>
#endif
