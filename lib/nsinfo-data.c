/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tables of a namespace listing: arrays that grow, and the inode index. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nsinfo-data.h"

static size_t hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (size_t)v;
}

/* Room for @want keys with the table at most half full. Open addressing,
 * slot value = index + 1 (0: empty). */
int nsi_index_reserve(struct nsi_index *ix, size_t want)
{
	size_t cap = ix->cap ? ix->cap : 256;
	uint64_t *keys;
	uint32_t *vals;

	while (cap < want * 2)
		cap *= 2;
	if (cap == ix->cap)
		return 0;
	keys = calloc(cap, sizeof(*keys));
	vals = calloc(cap, sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ix->cap; i++) {
		size_t h;

		if (!ix->vals[i])
			continue;
		for (h = hash_u64(ix->keys[i]) & (cap - 1); vals[h]; h = (h + 1) & (cap - 1))
			;
		keys[h] = ix->keys[i];
		vals[h] = ix->vals[i];
	}
	free(ix->keys);
	free(ix->vals);
	ix->keys = keys;
	ix->vals = vals;
	ix->cap = cap;
	return 0;
}

ssize_t nsi_index_get(const struct nsi_index *ix, uint64_t key)
{
	if (!ix->cap)
		return -1;
	for (size_t h = hash_u64(key) & (ix->cap - 1); ix->vals[h]; h = (h + 1) & (ix->cap - 1))
		if (ix->keys[h] == key)
			return (ssize_t)ix->vals[h] - 1;
	return -1;
}

int nsi_index_put(struct nsi_index *ix, uint64_t key, size_t val)
{
	size_t h;
	int r;

	if ((ix->n + 1) * 2 > ix->cap) {
		r = nsi_index_reserve(ix, ix->n + 1);
		if (r < 0)
			return r;
	}
	for (h = hash_u64(key) & (ix->cap - 1); ix->vals[h]; h = (h + 1) & (ix->cap - 1))
		if (ix->keys[h] == key) {
			ix->vals[h] = (uint32_t)val + 1;
			return 0;
		}
	ix->keys[h] = key;
	ix->vals[h] = (uint32_t)val + 1;
	ix->n++;
	return 0;
}

void nsi_index_clear(struct nsi_index *ix)
{
	free(ix->keys);
	free(ix->vals);
	*ix = (struct nsi_index){ 0 };
}

/* Room for element @n of the array *@p, doubled when full, the new part
 * zeroed. */
int nsi_grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *q;

	if (n < *cap)
		return 0;
	q = reallocarray(*p, c, size);
	if (!q)
		return -ENOMEM;
	memset((char *)q + *cap * size, 0, (c - *cap) * size);
	*p = q;
	*cap = c;
	return 0;
}
