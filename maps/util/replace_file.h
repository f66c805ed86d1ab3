/* replace_file.h - replace a file atomically and durably.
 *
 * The new text goes into a temporary file beside the old one, which is
 * written, given its mode and owner, fsynced, renamed over the old name, and
 * then the directory is fsynced (fsync_dir.h): a reader sees the old text or
 * the new, never a part of either, and once replace_file() has returned 0 a
 * crash keeps the new. Every text file the admin tools write goes this way:
 * pogate-map's outputs, pogate-notify's state file, pogate-po's edit of the
 * postoffices map.
 */
#ifndef POGATE_REPLACE_FILE_H
#define POGATE_REPLACE_FILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Replace PATH by the LEN bytes at DATA. The file gets mode 0644 and the
 * writer's owner, or, when LIKE is not NULL, LIKE's mode and owner (an owner
 * the process may not give, EPERM, stays the writer's). The temporary file is
 * ".NAME.XXXXXX" in PATH's directory and is removed when a step fails.
 * 0, or -1 with errno of the step that failed. */
int replace_file(const char *path, const char *data, size_t len, const struct stat *like);

#endif
