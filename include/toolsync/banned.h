/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned.h: functions that are easy to misuse.  Use strbuf or snprintf.
 * Including a banned name turns into a compile error that names it.
 */
#ifndef TOOLSYNC_BANNED_H
#define TOOLSYNC_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)

#endif
