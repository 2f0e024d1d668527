/* demo_people.h: invented Turkish people for the demo office (store/demo.h) and the benchmark data
 * (bench/gen_people.c): names, TCKNs, phones, e-mails and addresses, the same for the same seed everywhere. */
#ifndef KALEM_STORE_DEMO_PEOPLE_H
#define KALEM_STORE_DEMO_PEOPLE_H
#include <stdbool.h>
#include <stdint.h>

/* splitmix64: a small, fast generator giving the same sequence on every machine. Seed it by setting state. */
struct demo_rng {
	uint64_t state;
};

/* The next 64 random bits. */
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n); n > 0. */
unsigned demo_rng_below(struct demo_rng *r, unsigned n);

struct demo_person {
	bool female;
	char given[64];      /* one given name, or two (one person in six) */
	char surname[32];
	char name[96];       /* given + " " + surname */
	char tckn[12];       /* valid by the check-digit rule (core/tckn.h) */
	char phone[16];      /* a mobile number no one has, E.164: +905XX0YYZZZZ (subscriber part starts with 0) */
	char email[128];     /* "ayse.yilmaz42@example.org": folded name, two digits, a reserved example domain */
	unsigned neighbourhood; /* index in [0, n_neighbourhoods) of the caller's list of neighbourhoods */
	char street[48];     /* "Lale Sk.", "Çınar Cd." */
	unsigned door, flat; /* door number 1..120; flat 1..16, or 0 for a house */
};

/* Fills out (OUT) with the person of seed: common names come more often (as in life: the commonest surname on
 * about one person in twelve); n_neighbourhoods 0 gives neighbourhood 0. The same seed always gives the same
 * person; any two seeds give independent ones (TCKNs may then coincide: see demo_tckn). */
void demo_person(uint64_t seed, unsigned n_neighbourhoods, struct demo_person *out);
/* A valid TCKN drawn from seed into out (OUT), for drawing again when a person's number is already taken. */
void demo_tckn(uint64_t seed, char out[12]);
/* The person's address in neighbourhood (its name): "Yaka Mah. Lale Sk. No: 12 Daire: 3, Meram/Konya" (no
 * "Daire" for a house). A fresh string (xmalloc); the caller frees it. */
char *demo_address(const struct demo_person *p, const char *neighbourhood);

#endif
