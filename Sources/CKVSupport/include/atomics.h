#ifndef KV_ATOMICS_H
#define KV_ATOMICS_H

#include <stdint.h>

// Acquire/release access to pointer-sized words in raw memory (the memtable's skiplist
// links), which Swift's own atomics cannot address.

static inline void *kv_load_acquire(void *const *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

static inline void kv_store_release(void **address, void *value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}

#endif
