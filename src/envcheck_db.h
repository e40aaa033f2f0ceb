/*
 * envcheck_db.h: the --db audit's rules, listed by envcheck.c with the
 * others.  Private to check-config.
 */
#ifndef TOOLSYNC_ENVCHECK_DB_H
#define TOOLSYNC_ENVCHECK_DB_H

#include "toolsync/report.h"

extern const struct rule r_db_table;
extern const struct rule r_db_column;
extern const struct rule r_db_type;
extern const struct rule r_db_index;
extern const struct rule r_db_retention;
extern const struct rule r_db_tags;
extern const struct rule r_db_rls;

#endif
