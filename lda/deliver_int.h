/* deliver_int.h - the plan of one file, as deliver.c (the phases) hands it
 * down to deliver_write.c (writing the file) and deliver_commit.c (making it
 * visible). Not for callers: see deliver.h.
 *
 * deliver.c builds and changes a group (members drop out as they fail); the
 * files below it only read it, and keep what they find out in structs of
 * their own (deliver_write.h, deliver_commit.h). Calls run one way:
 *
 *   deliver.c        -> deliver_write.c, deliver_commit.c, deliver_rcpt.c
 *   deliver_commit.c -> deliver_write.c (write_all only), deliver_rcpt.c
 *   each of them     -> status.c, and the leaves below (maildir.c, storefs.c, ...)
 */
#ifndef POGATE_DELIVER_INT_H
#define POGATE_DELIVER_INT_H

/* One file: every pending recipient of one postoffice (Maildir), or one
 * postoffice's mailbag entry. Member indexes are into the recipient array of
 * deliver_message(). */
struct dgroup {
    int bag;                    /* 1: a mailbag file */
    const char *po;             /* the PO the file is for */
    const char *dir;            /* the PO directory holding it (a hub for via=HUB) */
    int *members;               /* its recipients, in their order */
    int n;
    int owner;                  /* Maildir: the member whose tmp/ holds the file; -1 */
    int tmpdir;                 /* borrowed: the owner's or the mailbag's tmp/; -1 */
};

#define DELIVER_IOBUF (64 * 1024)

#endif
