/* shard.h: splitting a run into N deterministic parts (--shard K/N) and merging the shards'
 * outputs back into the document one unsharded run would have written (ftlint merge). */
#ifndef FTL_SHARD_H
#define FTL_SHARD_H
#include "discover.h"
#include <stdio.h>

/* Parses "K/N" (1 <= K <= N); false on anything else. */
bool ftl_parse_shard(const char *s, unsigned *k, unsigned *n);
/* Keeps the files of shard k of n: those at positions k-1, k-1+n, k-1+2n... of the discovered
 * list, which is sorted, so every shard gets a fair mix and the union is the whole list.
 * Skipped files and missing paths belong to shard 1 only, so that the shards' reports add up
 * to the unsharded one. */
void ftl_shard_select(ftl_filelist *list, unsigned k, unsigned n);

struct ftl_run;
/* Adds the files and findings of one JSON report (the --format json layout, version 1) to run;
 * name is the report's file name for messages. False with *err set (caller frees) when the
 * document is not such a report or holds anything this ftlint cannot rebuild exactly (an
 * unknown rule, another layout version). */
bool ftl_merge_json(const char *text, size_t len, const char *name, struct ftl_run *run,
                    char **err);
/* After the last ftl_merge_json: sorts and de-duplicates the findings (a header's finding
 * reported by two shards is kept once, as in one run), sets fingerprints and counts statuses. */
void ftl_merge_finish(struct ftl_run *run);
#endif
