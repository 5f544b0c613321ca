#ifndef KV_CRC32C_H
#define KV_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Extends a CRC32C (Castagnoli) checksum over `length` bytes at `data`.
/// Start with crc = 0. Thread-safe; uses the SSE4.2 crc32 instruction when present.
uint32_t kv_crc32c_extend(uint32_t crc, const void *data, size_t length);

#endif
