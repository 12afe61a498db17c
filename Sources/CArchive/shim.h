#ifndef POSTBATCH_CARCHIVE_SHIM_H
#define POSTBATCH_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
