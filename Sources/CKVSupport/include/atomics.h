#ifndef KV_ATOMICS_H
#define KV_ATOMICS_H

#include <stdint.h>

// Acquire/release access to pointer-sized words in raw memory (the memtable's skiplist
// links and partition index slots), which Swift's own atomics cannot address.

static inline void *kv_load_acquire(void *const *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

static inline void kv_store_release(void **address, void *value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}

static inline uint64_t kv_load_acquire_u64(const uint64_t *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

static inline void kv_store_release_u64(uint64_t *address, uint64_t value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}

#endif
