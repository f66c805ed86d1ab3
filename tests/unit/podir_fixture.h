/* podir_fixture.h - a config directory in /tmp with the four maps, for the podir tests. */
#ifndef POGATE_PODIR_FIXTURE_H
#define POGATE_PODIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "podir_build.h"

static char fixture_dir[] = "/tmp/t_podir.XXXXXX";

/* Write NAME in the fixture dir with TEXT; NULL TEXT removes it. */
static void fixture_write(const char *name, const char *text)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
    if (text == NULL) {
        unlink(path);
        return;
    }
    if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) < 0 || fclose(fp) != 0) {
        perror(path);
        exit(2);
    }
}

__attribute__((unused)) static int fixture_build(int dry_run)
{
    struct podir_build_opts o = { .confdir = fixture_dir, .transport = "pogate:", .dry_run = dry_run, .fold = 1 };

    return podir_build(&o);
}

static const char fixture_pos[] =
    "# postoffices\n"
    "SALES domain=sales.example.com alias_domains=sales.example.org,s.example\n"
    "   internal=sales.po maxsize=10M quota=2G autoreply=no utf8=no\n"
    "HUB domain=hub.example.com store=mailbag postmaster=admin state=paused\n"
    "BRANCH domain=branch.example.com via=HUB maxsize=20M outbound=no\n";
static const char fixture_mbxs[] =
    "SALES/JSMITH address=John.Smith@sales.example.com name=\"John Smith\" quota=500M\n"
    "SALES/postmaster\n"
    "SALES/inbox outbound=no\n"
    "HUB/admin name=\"Hub Admin \xc3\xa9\"\n"
    "BRANCH/postmaster\n";
static const char fixture_aliases[] =
    "js@sales.example.com SALES/JSMITH\n"
    "@sales.example.org SALES/INBOX\n"
    "postmaster@s.example SALES/JSMITH\n";
static const char fixture_access[] =
    "192.0.2.0/24 TRUST\n"
    "192.0.2.128/25 REJECT\n"
    "2001:db8::/32 reject\n"
    "2001:db8:1::/48 TRUST\n"
    "203.0.113.7 OK\n";

static void fixture_init(void)
{
    if (mkdtemp(fixture_dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    fixture_write("postoffices", fixture_pos);
    fixture_write("mailboxes", fixture_mbxs);
    fixture_write("aliases", fixture_aliases);
    fixture_write("access", fixture_access);
}

static void fixture_cleanup(void)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", fixture_dir);
}

#endif
