/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fault.h: fault injection for the write side, as SQLite's test VFS does.
 *
 * Every call that changes the file system on build's write path (fsutil.c,
 * outdir.c) asks fault_inject() first.  It does nothing unless the
 * environment sets TOOLSYNC_FAULT:
 *
 *   TOOLSYNC_FAULT=OP:N:ERRNO   the Nth call of OP (1-based) fails with ERRNO;
 *                               up to 4 of these, joined by commas
 *   TOOLSYNC_FAULT=count        at exit, stderr gets one line (may be joined
 *                               to the specs above by a comma)
 *                               "toolsync: fault points: write=.. fsync=.. ..."
 *
 * OP is write, fsync, rename, exchange, link, mkdir, unlink, open or any
 * (every call counts); ERRNO is ENOSPC, EACCES, EIO, EROFS, EPERM, EINVAL
 * or EXDEV.  It is always compiled in: it only makes calls fail, never
 * succeed, so an attacker who controls the environment gains nothing.
 * tests/t_atomic.sh walks every point.  A malformed value is ignored with
 * a warning.
 */
#ifndef TOOLSYNC_FAULT_H
#define TOOLSYNC_FAULT_H

#include "toolsync/common.h"

enum fault_op {
	FAULT_WRITE,     /* write() of a file's bytes */
	FAULT_FSYNC,     /* fsync(), syncfs() */
	FAULT_RENAME,    /* rename(), renameat2() without RENAME_EXCHANGE */
	FAULT_EXCHANGE,  /* renameat2(RENAME_EXCHANGE): EINVAL takes the journal path */
	FAULT_LINK,      /* link() of an unchanged file into the stage */
	FAULT_MKDIR,     /* mkdir(), mkdtemp() */
	FAULT_UNLINK,    /* unlink(), rmdir() */
	FAULT_OPEN,      /* open() that creates a file */
	FAULT_NOPS
};

/* 0 to go on; -1 with errno set when this call is the one to fail. */
int fault_inject(enum fault_op op);

#endif
