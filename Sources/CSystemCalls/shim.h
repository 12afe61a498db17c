#ifndef POSTBATCH_CSYSTEMCALLS_SHIM_H
#define POSTBATCH_CSYSTEMCALLS_SHIM_H
/* Linux calls that <unistd.h> declares only under _GNU_SOURCE, which Swift's Glibc module is
 * built without. Each is glibc's own function; this header only declares it. */

/* syncfs(2): writes back the file system that holds fd, and, unlike sync(2), reports a
 * write-back error (Linux 5.8 and later) with -1 and errno. */
extern int syncfs(int fd);

#endif
