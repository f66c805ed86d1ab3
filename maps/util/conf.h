/* conf.h - "name = value" files in the style of Postfix's main.cf, read into
 * the structs of the code that owns each parameter.
 *
 * Each owner (the shared settings, each program) keeps a table of its
 * parameters beside its own code: name, type, default, and where the value
 * goes in its struct. A program reads the file with the tables it uses; the
 * names of every other program's parameters come as a list of their own
 * (stored nowhere, but a bad value is still an error), so that one file
 * serves every program and a name no program has is refused. Every error is
 * "FILE:LINE: what is wrong (name = value)". This file knows no mail.
 */
#ifndef POGATE_CONF_H
#define POGATE_CONF_H

#include <stddef.h>
#include <stdio.h>

/* Where a value goes: CONF_STR a char * (owned by the struct), CONF_ENUM
 * and CONF_MODE an int, CONF_SIZE, CONF_TIME and CONF_INT a long long. */
enum conf_type { CONF_STR, CONF_ENUM, CONF_SIZE, CONF_TIME, CONF_INT, CONF_MODE };

struct conf_param {
    const char *name;
    enum conf_type type;
    const char *def;            /* default, as it would be written in the file */
    const char *choices;        /* CONF_ENUM: "a|b|c", the index is stored; else NULL */
    size_t offset;              /* in the owner's struct */
};

/* One table entry. Write each on one line of its own: the list of every
 * parameter (maps/global) is extracted from these lines at build time. */
#define CONF_PARAM(name, type, def, choices, st, field) \
    { #name, type, def, choices, offsetof(st, field) }

/* One owner's table over one instance of its struct. */
struct conf_table {
    const struct conf_param *params;
    size_t count;
    void *base;
};

/* What one program reads: the tables it stores into, and the parameters of
 * everybody else (OTHERS may hold the program's own names too). When
 * OTHER_TEXT is not NULL (room for NOTHERS), the text of each of those that
 * the file sets is kept there (NULL: not set), as postconf would show it. */
struct conf_schema {
    const struct conf_table *tables;
    int ntables;
    const struct conf_param *others;
    size_t nothers;
    char **other_text;
};

/* Every parameter of the tables set to its default; what the structs held
 * before is not freed (a fresh struct may hold anything). */
void conf_defaults(const struct conf_schema *s);

/* Read PATH over what the tables hold; a missing file changes nothing.
 * Logs each error; returns their count. */
int conf_read(const struct conf_schema *s, const char *path);

/* Parse an open stream named NAME over what the tables hold. Returns the
 * error count. */
int conf_parse_stream(const struct conf_schema *s, FILE *fp, const char *name);

/* Set one parameter from text; on failure returns -1 and a reason in *why. */
int conf_set(const struct conf_schema *s, const char *name, const char *value, const char **why);

/* Print the tables' parameters as "name = value", in table order. */
void conf_print(const struct conf_schema *s, FILE *fp);

/* The text of parameter NAME of the others as the file set it, else its
 * default; NULL for a name that is not among them. */
const char *conf_other(const struct conf_schema *s, const char *name);

/* Free the strings the tables and OTHER_TEXT hold (they become NULL). */
void conf_free(const struct conf_schema *s);

/* Number parsers shared with the maps: "10M", "2G", "512k", "0" ; "30s", "5m", "1h". */
int conf_parse_size(const char *s, long long *out);
int conf_parse_time(const char *s, long long *out);

#endif
