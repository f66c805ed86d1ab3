/* maildir.h - the store's directories for one delivery target: a mailbox's
 * Maildir (STORE/<po>/mailboxes/<mbx>/{tmp,new,cur}) or a postoffice's
 * mailbag (STORE/<po>/mailbag/{tmp,new}), opened symlink-free (storefs.h)
 * and created when missing; and the step that makes a finished file visible.
 */
#ifndef POGATE_MAILDIR_H
#define POGATE_MAILDIR_H

struct maildir {
    int top;                    /* the mailbox (or mailbag) directory */
    int tmp;
    int new;
};

#define MAILDIR_INIT { -1, -1, -1 }

/* 0, or -1 with errno (EINVAL: unsafe name; ELOOP/ENOTDIR: a link in the way). */
int maildir_open(int store, const char *po, const char *mbx, struct maildir *md);
int mailbag_open(int store, const char *po, struct maildir *md);
void maildir_close(struct maildir *md);

/* Make TMPDIR/TMPNAME visible as NEWDIR/NEWNAME: link(2); where the file
 * system refuses hard links (EPERM, EXDEV) and MAY_RENAME, rename(2).
 * Never replaces an existing NEWNAME (EEXIST).
 * 0 linked (the tmp name remains), 1 renamed (it is gone), -1 with errno. */
int maildir_place(int tmpdir, const char *tmpname, int newdir, const char *newname, int may_rename);

#endif
