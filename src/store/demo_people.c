/* demo_people.c: the name tables and generators of invented Turkish people (see demo_people.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/tckn.h"
#include "store/demo_people.h"
#include "util/turkish.h"
#include "util/xalloc.h"

static const char *const male_names[] = {
	"Ahmet",   "Mehmet",  "Mustafa", "Ali",     "Hüseyin", "Hasan",   "İbrahim", "İsmail",  "Osman",   "Yusuf",
	"Murat",   "Ömer",    "Ramazan", "Halil",   "Süleyman", "Abdullah", "Mahmut", "Recep",  "Fatih",   "Kemal",
	"Emre",    "Burak",   "Serkan",  "Yasin",   "Kadir",   "Erkan",   "Şükrü",   "Gökhan",  "Çağlar",  "Oğuz",
	"Uğur",    "Doğan",   "Tuncay",  "Cengiz",  "Sinan",   "Levent",  "İlhan",   "Şaban",   "Nurettin", "Sedat",
	"Enes",    "Furkan",  "Berkay",  "Yiğit",   "Eren",    "Emirhan", "Kaan",    "Barış",   "Tolga",   "Onur",
	"Volkan",  "Hakan",   "Erdal",   "Bülent",  "Cem",     "Cihan",   "Selçuk",  "Ferhat",  "Tarık",   "Orhan",
	"Necati",  "Zeki",    "Metin",   "Rıza",    "Şenol",   "Ünal",    "Özgür",   "Aydın",   "Güven",   "Taner",
	"Kürşat",  "Alparslan", "Mücahit", "Muhammed", "Abdurrahman", "Hamza", "Bilal", "İlker",  "Erol",    "Nihat",
};
static const char *const female_names[] = {
	"Fatma",   "Ayşe",    "Emine",   "Hatice",  "Zeynep",  "Elif",    "Meryem",  "Şerife",  "Zehra",   "Sultan",
	"Hanife",  "Merve",   "Özlem",   "Yasemin", "Hülya",   "Esra",    "Büşra",   "Gülsüm",  "Havva",   "Kübra",
	"Songül",  "Sevgi",   "Derya",   "Tuğba",   "Nurcan",  "Şule",    "Gülşen",  "Çiğdem",  "Ebru",    "İlknur",
	"Döndü",   "Filiz",   "Saadet",  "Nermin",  "Aslı",    "Öznur",   "Ecrin",   "Eylül",   "Defne",   "Azra",
	"Nisa",    "Ela",     "Asya",    "Irmak",   "Işıl",    "Gökçe",   "Dilek",   "Sibel",   "Pınar",   "Gül",
	"Sevda",   "Şeyma",   "Rabia",   "Betül",   "Sümeyye", "Hacer",   "Ümmühan", "Nuray",   "Gülay",   "Türkan",
	"Müzeyyen", "Hayriye", "Naciye", "Şükran",  "Nazlı",   "Özge",    "Duygu",   "Ceren",   "Buse",    "İrem",
	"Gizem",   "Tülay",   "Aynur",   "Reyhan",  "Selma",   "Melek",   "Nesrin",  "Cansu",   "Çağla",   "Hilal",
};
/* Roughly in order of frequency: earlier ones are drawn more often. */
static const char *const surnames[] = {
	"Yılmaz",   "Kaya",     "Demir",    "Şahin",   "Çelik",   "Yıldız",  "Yıldırım", "Öztürk",  "Aydın",   "Özdemir",
	"Arslan",   "Doğan",    "Kılıç",    "Aslan",   "Çetin",   "Kara",    "Koç",      "Kurt",    "Özkan",   "Şimşek",
	"Polat",    "Özcan",    "Korkmaz",  "Çakır",   "Erdoğan", "Yavuz",   "Can",      "Acar",    "Aktaş",   "Güler",
	"Bozkurt",  "Uçar",     "Tekin",    "Ünal",    "Kalkan",  "Güneş",   "Sarı",     "Ateş",    "Tosun",   "Keskin",
	"Akbulut",  "Gündoğdu", "Altun",    "Erdem",   "Bulut",   "Akın",    "Işık",     "Toprak",  "Uysal",   "Ekinci",
	"Sevim",    "Karakaya", "Konuk",    "Sağlam",  "Duman",   "Özer",    "Baş",      "Ilgaz",   "Çiftçi",  "Karaca",
	"Türk",     "Aksoy",    "Kaplan",   "Avcı",    "Öz",      "Yücel",   "Şen",      "Çınar",   "Yalçın",  "Taş",
	"Gök",      "Bayram",   "Turan",    "Kocabaş", "Durmaz",  "Soylu",   "Güven",    "Ergün",   "Uzun",    "Tunç",
	"Karataş",  "Özkaya",   "Başaran",  "Gürbüz",  "Kahraman", "Akgül",  "Önal",     "Süzen",   "Dinç",    "Sezer",
	"Ayhan",    "Balcı",    "Demirci",  "Yüksel",  "Bilgin",  "Çoban",   "Kılınç",   "Ağca",    "Ertürk",  "Tatlı",
	"Cömert",   "Eroğlu",   "Gümüş",    "Oğuz",    "Şeker",   "Bakır",   "Kurtuluş", "Menteşe", "Yazıcı",  "Akçay",
	"Ulusoy",   "Günay",    "Kandemir", "Sönmez",  "Aydemir", "Çakmak",  "Köse",     "Temel",   "Orhan",   "Sayın",
	"Küçük",    "Büyük",    "Yüce",     "İnce",    "Öğüt",    "Düzgün",  "Çağlayan", "Ağaoğlu", "Hacıoğlu", "Selvi",
	"Bektaş",   "Ilıcak",   "Ülker",    "Değirmenci", "Gençtürk", "Karadağ", "Akdağ", "Yurt",   "Ölmez",   "Şanlı",
};
static const char *const streets[] = {
	"Gülistan", "Lale",    "Menekşe", "Çınar",    "Akasya", "Fıstık",  "Karanfil", "Papatya", "Ihlamur",
	"Söğüt",    "Zeytin",  "Nergis",  "Sümbül",   "Yasemin", "Erguvan", "Manolya", "Ardıç",   "Servi",
	"Çamlık",   "Bağlar",  "Pınar",   "Değirmen", "Çeşme",  "Kuyu",    "Harman",   "Dut",     "Ceviz",
	"Atatürk",  "İstiklal", "Cumhuriyet", "Şehitler", "Gazi", "Mevlana", "Hocacihan", "Ilgın", "Başak",
};
static const char *const mail_domains[] = {"example.com", "example.org", "example.net"};
static const int mobile_operators[] = {530, 531, 532, 533, 535, 536, 537, 538, 539, 541, 542, 543,
				       544, 545, 546, 505, 506, 507, 551, 552, 553, 554, 555};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define PICK(r, array) ((array)[demo_rng_below((r), COUNT(array))])
#define PICK_SKEWED(r, array) ((array)[skewed((r), COUNT(array))])

uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

unsigned demo_rng_below(struct demo_rng *r, unsigned n)
{
	return (unsigned)(demo_rng_next(r) % n);
}

/* Index in [0, n) with the small ones more likely (density 1/(2 sqrt(x))): a few names are very common. */
static unsigned skewed(struct demo_rng *r, unsigned n)
{
	double u = (double)(demo_rng_next(r) >> 11) / (double)(1ull << 53);
	unsigned i = (unsigned)(u * u * n);
	return i < n ? i : n - 1;
}

/* The generator of one seed: mixed first, so that neighbouring seeds (1, 2, 3...) start far apart. */
static struct demo_rng rng_of(uint64_t seed)
{
	struct demo_rng mix = {seed};
	return (struct demo_rng){demo_rng_next(&mix)};
}

/* Nine random digits, the first not 0, and the two check digits that tckn_valid accepts: the rule is written
 * once, in core/tckn.c; exactly one of the 100 pairs passes. */
static void draw_tckn(struct demo_rng *r, char out[12])
{
	out[0] = (char)('1' + demo_rng_below(r, 9));
	for (int i = 1; i < 9; i++)
		out[i] = (char)('0' + demo_rng_below(r, 10));
	out[11] = '\0';
	for (int check = 0; check < 100; check++) {
		out[9] = (char)('0' + check / 10);
		out[10] = (char)('0' + check % 10);
		if (tckn_valid(out))
			return;
	}
	abort(); /* cannot happen: the check digits are computed from the nine */
}

void demo_tckn(uint64_t seed, char out[12])
{
	struct demo_rng r = rng_of(seed);
	draw_tckn(&r, out);
}

void demo_person(uint64_t seed, unsigned n_neighbourhoods, struct demo_person *out)
{
	struct demo_rng r = rng_of(seed);
	memset(out, 0, sizeof *out);
	out->female = demo_rng_below(&r, 2);
	const char *first = out->female ? PICK_SKEWED(&r, female_names) : PICK_SKEWED(&r, male_names);
	const char *second = demo_rng_below(&r, 6) == 0 ? (out->female ? PICK(&r, female_names) : PICK(&r, male_names))
						       : NULL;
	if (second && strcmp(second, first) != 0)
		snprintf(out->given, sizeof out->given, "%s %s", first, second);
	else
		snprintf(out->given, sizeof out->given, "%s", first);
	snprintf(out->surname, sizeof out->surname, "%s", PICK_SKEWED(&r, surnames));
	snprintf(out->name, sizeof out->name, "%s %s", out->given, out->surname);
	draw_tckn(&r, out->tckn);
	snprintf(out->phone, sizeof out->phone, "+90%d0%02u%04u", PICK(&r, mobile_operators), demo_rng_below(&r, 100),
		 demo_rng_below(&r, 10000));
	/* "ayse.yilmaz42@example.org" from "Ayşe Yılmaz" */
	char *box = tr_fold(out->name);
	for (char *p = box; *p; p++)
		if (*p == ' ')
			*p = '.';
	snprintf(out->email, sizeof out->email, "%s%u@%s", box, demo_rng_below(&r, 100), PICK(&r, mail_domains));
	free(box);
	out->neighbourhood = n_neighbourhoods ? demo_rng_below(&r, n_neighbourhoods) : 0;
	snprintf(out->street, sizeof out->street, "%s %s", PICK(&r, streets), demo_rng_below(&r, 3) == 0 ? "Cd." : "Sk.");
	out->door = 1 + demo_rng_below(&r, 120);
	out->flat = demo_rng_below(&r, 3) == 0 ? 0 : 1 + demo_rng_below(&r, 16);
}

char *demo_address(const struct demo_person *p, const char *neighbourhood)
{
	if (!p->flat)
		return xasprintf("%s Mah. %s No: %u, Meram/Konya", neighbourhood, p->street, p->door);
	return xasprintf("%s Mah. %s No: %u Daire: %u, Meram/Konya", neighbourhood, p->street, p->door, p->flat);
}
