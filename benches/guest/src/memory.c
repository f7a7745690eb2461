/* Guest workload "memory": bulk and scattered memory traffic: memset and
 * memcpy of multi-MiB buffers, strided array sweeps, and a pointer chase
 * through a linked list laid out in shuffled order. argv[1] = rounds. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 40u
#define BUFFER_BYTES (4u << 20)
#define LIST_NODES (1u << 18)

struct node {
    struct node *next;
    uint64_t value;
};

static uint64_t xorshift(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Links the nodes in a random permutation so every step is a far jump. */
static struct node *build_list(struct node *nodes, uint32_t count) {
    uint32_t *order = malloc(count * sizeof *order);
    uint64_t s = 0x2545f4914f6cdd1dull;
    for (uint32_t i = 0; i < count; ++i) order[i] = i;
    for (uint32_t i = count - 1; i > 0; --i) {
        uint32_t j = (uint32_t)(xorshift(&s) % (i + 1));
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < count; ++i) {
        nodes[order[i]].next = (i + 1 < count) ? &nodes[order[i + 1]] : NULL;
        nodes[order[i]].value = i * 2654435761u;
    }
    struct node *head = &nodes[order[0]];
    free(order);
    return head;
}

static uint64_t sweep(const uint64_t *words, size_t count, size_t stride) {
    uint64_t sum = 0;
    for (size_t start = 0; start < stride; ++start)
        for (size_t i = start; i < count; i += stride) sum += words[i] ^ i;
    return sum;
}

int main(int argc, char **argv) {
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : DEFAULT_ROUNDS;
    unsigned char *a = malloc(BUFFER_BYTES), *b = malloc(BUFFER_BYTES);
    struct node *nodes = malloc(LIST_NODES * sizeof *nodes);
    if (!a || !b || !nodes) {
        fprintf(stderr, "memory: out of memory\n");
        return 1;
    }
    struct node *head = build_list(nodes, LIST_NODES);
    uint64_t checksum = 0;
    for (uint32_t round = 0; round < rounds; ++round) {
        memset(a, (int)(round * 37 + 1), BUFFER_BYTES);
        for (size_t i = 0; i < BUFFER_BYTES; i += 4096) a[i] = (unsigned char)(i >> 12);
        memcpy(b, a, BUFFER_BYTES);
        memmove(b + 1, b, BUFFER_BYTES / 2); /* overlapping copy */
        checksum += sweep((const uint64_t *)b, BUFFER_BYTES / 8, 1 + round % 16);
        for (size_t i = 0; i < BUFFER_BYTES / 2; ++i) a[i] = b[BUFFER_BYTES - 1 - i];
        checksum ^= (uint64_t)memcmp(a, b, BUFFER_BYTES) << 32;
        uint64_t walk = 0;
        for (struct node *n = head; n; n = n->next) walk = walk * 3 + n->value;
        checksum = checksum * 0x100000001b3ull + walk;
    }
    printf("memory rounds %" PRIu32 " checksum %016" PRIx64 "\n", rounds, checksum);
    free(a);
    free(b);
    free(nodes);
    return 0;
}
