// The file system's share of a loose run, as a baseline for `make bench` (scripts/bench.sh):
// writes COUNT files of BYTES bytes each into FOLDER with the system calls postbatch's loose
// spool makes for its envelopes (docs/architecture.md, "Spool"): folders of 1,000 files, each
// folder kept open; every file created unnamed in it (O_TMPFILE), written with one write(2) and
// linked under its final name (linkat, AT_EMPTY_PATH), or, where the folder's file system or the
// kernel does not allow that, created under a temporary name and renamed; one syncfs(2) per
// folder once its last file is in place. WRITERS processes share the folders, as postbatch's
// workers share its batches, and one more process makes the syncfs calls while they go on
// writing, as postbatch's collector records each whole batch while its workers write the next.
//
//   cc -O2 -o bench-write-files scripts/bench-write-files.c
//   ./bench-write-files FOLDER COUNT BYTES WRITERS
//
// It renders, encodes and hashes nothing, so a loose run can go no faster than this on the same
// file system: the rate of postbatch over this rate is the share of its time not spent in the
// file system. Prints nothing on success; exits 1 with the failing call on stderr.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { FILES_PER_FOLDER = 1000 };

static int fail(const char *call, const char *name) {
    fprintf(stderr, "bench-write-files: %s %s: %s\n", call, name, strerror(errno));
    return 1;
}

// Whether files can begin unnamed in the open folder and be linked under a name, as postbatch
// asks once a folder (AtomicFileWriter.canLinkUnnamedFiles).
static int can_link_unnamed(int folder) {
    int file = openat(folder, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (file < 0) return 0;
    int linked = linkat(file, "", folder, ".probe.tmp-bench", AT_EMPTY_PATH) == 0;
    close(file);
    return linked && unlinkat(folder, ".probe.tmp-bench", 0) == 0;
}

// One file of the folder open as `folder`, as postbatch writes an envelope.
static int write_file(int folder, int unnamed, const char *name, const char *temporary, const char *content,
                      long bytes) {
    int file = unnamed ? openat(folder, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)
                       : openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (file < 0) return fail("openat", unnamed ? name : temporary);
    if (write(file, content, (size_t)bytes) != bytes) return fail("write", name);
    if (unnamed) {
        if (linkat(file, "", folder, name, AT_EMPTY_PATH) != 0) return fail("linkat", name);
        if (close(file) != 0) return fail("close", name);
    } else {
        if (close(file) != 0) return fail("close", temporary);
        if (renameat(folder, temporary, folder, name) != 0) return fail("renameat", name);
    }
    return 0;
}

// Writes the folders numbered first, first + step, ... of the COUNT files, and hands each whole
// folder's number to the syncing process through `done`.
static int write_folders(const char *root, long count, const char *content, long bytes, long first, long step,
                         int done) {
    char path[4096], name[64], temporary[64];
    for (long start = first * FILES_PER_FOLDER; start < count; start += step * FILES_PER_FOLDER) {
        long number = start / FILES_PER_FOLDER + 1;
        snprintf(path, sizeof path, "%s/%04ld", root, number);
        if (mkdir(path, 0700) != 0) return fail("mkdir", path);
        int folder = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (folder < 0) return fail("open", path);
        int unnamed = can_link_unnamed(folder);
        for (long i = start; i < count && i < start + FILES_PER_FOLDER; i++) {
            snprintf(name, sizeof name, "%08ld.xml", i);
            if (!unnamed) snprintf(temporary, sizeof temporary, ".%08ld.xml.partial", i);
            if (write_file(folder, unnamed, name, temporary, content, bytes) != 0) return 1;
        }
        close(folder);
        if (write(done, &number, sizeof number) != sizeof number) return fail("write", "(to the syncing process)");
    }
    return 0;
}

// The syncing process: one syncfs(2) of the file system for each whole folder named on `done`,
// until every writer has closed its end.
static int sync_folders(const char *root, int done) {
    char path[4096];
    long number;
    ssize_t got;
    while ((got = read(done, &number, sizeof number)) == sizeof number) {
        snprintf(path, sizeof path, "%s/%04ld", root, number);
        int folder = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (folder < 0) return fail("open", path);
        if (syncfs(folder) != 0) return fail("syncfs", path);
        close(folder);
    }
    return got == 0 ? 0 : fail("read", "(from the writers)");
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: bench-write-files FOLDER COUNT BYTES WRITERS\n");
        return 2;
    }
    const char *root = argv[1];
    long count = atol(argv[2]), bytes = atol(argv[3]), writers = atol(argv[4]);
    if (count < 0 || bytes <= 0 || writers <= 0) {
        fprintf(stderr, "bench-write-files: COUNT must be 0 or more, BYTES and WRITERS more than 0\n");
        return 2;
    }
    char *content = malloc((size_t)bytes);
    if (content == NULL) return fail("malloc", "");
    // Base64-like bytes, not zeros: the same for every file, as only their number and size matter.
    for (long i = 0; i < bytes; i++) content[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"[i % 32];
    if (mkdir(root, 0700) != 0 && errno != EEXIST) return fail("mkdir", root);

    // Writers send whole folders' numbers (a few bytes each: atomic on a pipe) to the syncer.
    int done[2];
    if (pipe(done) != 0) return fail("pipe", "");
    pid_t syncer = fork();
    if (syncer < 0) return fail("fork", "");
    if (syncer == 0) {
        close(done[1]);
        _exit(sync_folders(root, done[0]));
    }
    close(done[0]);
    for (long writer = 0; writer < writers; writer++) {
        pid_t child = fork();
        if (child < 0) return fail("fork", "");
        if (child == 0) _exit(write_folders(root, count, content, bytes, writer, writers, done[1]));
    }
    close(done[1]);
    int failed = 0, status;
    while (wait(&status) > 0) failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    free(content);
    return failed;
}
