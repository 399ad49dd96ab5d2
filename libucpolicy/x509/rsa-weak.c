/* SPDX-License-Identifier: MIT */
/*
 * Weak RSA moduli that the public key alone gives away, with GMP's integers (the library GnuTLS's
 * nettle is built on): Fermat's method for primes that lie close together (CVE-2022-26320; zlint's
 * e_rsa_fermat_factorization, badkeys' fermat check) and the ROCA fingerprint of Infineon's RSA
 * library (CVE-2017-15361; the ROCA paper's detector, badkeys' roca check). Both are bounded and
 * cheap: a random modulus fails the fingerprint at one of its first small primes, and Fermat's method
 * takes a square root and 100 steps in machine words (residues), with a full test for few of them.
 * The answer is kept with the certificate, so a key is looked at once however often it is checked.
 * With them, the small-factor test: a modulus divisible by an odd prime below 752 (the Baseline
 * Requirements' bound, 6.1.6; zlint's e_rsa_no_small_factor), by GMP's division by a one-word
 * divisor (mpn_mod_1) on products of primes that fit a word.
 */
#include "config.h"

#include <gmp.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>

#include "x509/x509-private.h"

enum {
    FERMAT_STEPS = 100,      /* as badkeys and zlint */
    MAX_MODULUS_BYTES = 2048 /* 16384 bits: larger moduli are not looked at (the cost grows) */
};

/* Is @r a square modulo @m, by the bit mask of the squares modulo m (bit x set: x is one)? */
static bool square_mod(uint64_t r, const uint64_t *mask, unsigned m)
{
    unsigned x = (unsigned)(r % m);
    return mask[x / 64] >> (x % 64) & 1;
}

/* Fermat's method: n = a^2 - b^2 = (a - b)(a + b) for odd n. From a = ceil(sqrt(n)), try FERMAT_STEPS
 * values of a; 0, or the step (from 1) at which a^2 - n is a square. The steps follow a^2 - n and
 * a modulo 64 * 63 * 65 * 11 in machine words, and only a value that is a square modulo all four
 * (about 1 in 120) is built and tested in full: the cost is the square root. */
static unsigned fermat_steps(const mpz_t n)
{
    static const uint64_t sq64[] = {0x0202021202030213u}, sq63[] = {0x0402483012450293u},
                          sq65[] = {0x218a019866014613u, 0x1u}, sq11[] = {0x23bu};
    const uint64_t m = 64u * 63u * 65u * 11u; /* 2,882,880: below 2^32, so GMP's unsigned long holds it */
    mpz_t a, rem, b2, t;
    mpz_inits(a, rem, b2, t, NULL);
    mpz_sqrtrem(a, rem, n);
    if (mpz_sgn(rem) != 0)
        mpz_add_ui(a, a, 1);
    mpz_mul(b2, a, a);
    mpz_sub(b2, b2, n); /* b2 = a^2 - n >= 0 */
    uint64_t rb = mpz_fdiv_ui(b2, (unsigned long)m), ra = mpz_fdiv_ui(a, (unsigned long)m);
    unsigned found = 0;
    for (unsigned i = 0; i < FERMAT_STEPS && !found; i++) {
        if (square_mod(rb, sq64, 64) && square_mod(rb, sq63, 63) && square_mod(rb, sq65, 65) &&
            square_mod(rb, sq11, 11)) {
            /* (a + i)^2 - n = b2 + 2ai + i^2 */
            mpz_mul_ui(t, a, 2u * i);
            mpz_add(t, t, b2);
            mpz_add_ui(t, t, (unsigned long)i * i);
            if (mpz_perfect_square_p(t))
                found = i + 1;
        }
        /* (a + 1)^2 - n = a^2 - n + 2a + 1 */
        rb = (rb + 2 * ra + 1) % m;
        ra = (ra + 1) % m;
    }
    mpz_clears(a, rem, b2, t, NULL);
    return found;
}

/* The ROCA fingerprint: Infineon's primes are k * M + (65537^a mod M), M the product of the primes
 * 2 to 167, so the modulus modulo M is a power of 65537 too. The test is the discrete-logarithm
 * fingerprint of the ROCA paper's detector as badkeys has it: 65537 generates a subgroup of order
 * 2^4 * 3^4 * 5^2 * 7 * 11 * 13 * 17 * 23 * 29 * 37 * 41 * 53 * 83 modulo M; the modulus's order must
 * divide it, and (Pohlig-Hellman) a logarithm must exist for each prime power of the order. A
 * sound key passes with a negligible probability. */
static bool roca_fingerprint(const mpz_t n)
{
    /* First the necessary condition prime by prime (the marker test of the detector's first
     * version): the modulus modulo p must lie in the subgroup 65537 generates modulo p. A sound
     * modulus fails it within a few primes, so the exponentiations below run for few keys. */
    static const unsigned char primes[] = {3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,
                                           47,  53,  59,  61,  67,  71,  73,  79,  83,  89,  97,  101, 103,
                                           107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167};
    for (size_t i = 0; i < sizeof primes; i++) {
        unsigned p = primes[i], r = (unsigned)mpz_fdiv_ui(n, p), g = 65537u % p, x = 1;
        bool in = false;
        do {
            in = x == r;
            x = x * g % p;
        } while (!in && x != 1);
        if (!in)
            return false;
    }
    static const unsigned char powers[] = {16, 81, 25, 7, 11, 13, 17, 23, 29, 37, 41, 53, 83};
    mpz_t m, order, e, g, h, x;
    mpz_inits(m, order, e, g, h, x, NULL);
    mpz_primorial_ui(m, 167);
    mpz_set_str(order, "2454106387091158800", 10); /* more than 32 bits: no unsigned long on Windows */
    bool in = mpz_cmp_ui(n, 2) > 0;
    if (in) {
        mpz_powm(x, n, order, m);
        in = mpz_cmp_ui(x, 1) == 0;
    }
    for (size_t i = 0; in && i < sizeof powers; i++) {
        mpz_divexact_ui(e, order, powers[i]);
        mpz_set_ui(g, 65537);
        mpz_powm(g, g, e, m); /* a generator of the subgroup of order powers[i] */
        mpz_powm(h, n, e, m);
        mpz_set_ui(x, 1);
        in = false;
        for (unsigned k = 0; k < powers[i] && !in; k++) {
            in = mpz_cmp(x, h) == 0;
            mpz_mul(x, x, g);
            mpz_mod(x, x, m);
        }
    }
    mpz_clears(m, order, e, g, h, x, NULL);
    return in;
}

/* The smallest odd prime below 752 that divides @n, or 0. The primes go in products below 2^64
 * (16 of them), and n is reduced by each product in one pass over its words (mpz_fdiv_ui). */
static unsigned small_factor(const mpz_t n)
{
    static const uint16_t primes[] = {
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
        101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193,
        197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307,
        311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421,
        431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509, 521, 523, 541, 547,
        557, 563, 569, 571, 577, 587, 593, 599, 601, 607, 613, 617, 619, 631, 641, 643, 647, 653, 659,
        661, 673, 677, 683, 691, 701, 709, 719, 727, 733, 739, 743, 751
    };
    size_t i = 0;
    while (i < sizeof primes / sizeof primes[0]) {
        size_t first = i;
        unsigned long prod = 1; /* 64 bits on LP64; 32 on Windows: smaller, more products there */
        while (i < sizeof primes / sizeof primes[0] && prod <= ULONG_MAX / primes[i])
            prod *= primes[i++];
        unsigned long r = mpz_fdiv_ui(n, prod);
        for (size_t k = first; k < i; k++)
            if (r % primes[k] == 0)
                return primes[k];
    }
    return 0;
}

unsigned ucp_certificate_rsa_flaws(const ucp_certificate *c, unsigned *steps)
{
    if (steps)
        *steps = 0;
    if (!c || c->rsa_n.len == 0)
        return 0;
    ucp_certificate *m = (ucp_certificate *)c; /* the cache only */
    unsigned v = atomic_load_explicit(&m->rsa_flaws, memory_order_acquire);
    if (v == 0) {
        v = UCP_RSA_CHECKED;
        const struct ucp_bytes *nb = &c->rsa_n;
        if (nb->data[nb->len - 1] & 1) {
            mpz_t n;
            mpz_init(n);
            ucp_mpz_set_be(n, nb->data, nb->len);
            unsigned p = small_factor(n);
            if (p)
                v |= UCP_RSA_SMALL_FACTOR | p << 16;
            if (nb->len <= MAX_MODULUS_BYTES) {
                unsigned f = mpz_cmp_ui(n, 1) > 0 ? fermat_steps(n) : 0;
                if (f)
                    v |= UCP_RSA_FERMAT | f << 8;
                if (roca_fingerprint(n))
                    v |= UCP_RSA_ROCA;
            }
            mpz_clear(n);
        }
        atomic_store_explicit(&m->rsa_flaws, v, memory_order_release);
    }
    if (steps)
        *steps = (v >> 8) & 0xff;
    return v & (UCP_RSA_FERMAT | UCP_RSA_ROCA | UCP_RSA_SMALL_FACTOR);
}

unsigned ucp_certificate_rsa_small_factor(const ucp_certificate *c)
{
    ucp_certificate_rsa_flaws(c, NULL);
    return c && c->rsa_n.len ? atomic_load_explicit(&c->rsa_flaws, memory_order_acquire) >> 16 : 0;
}
