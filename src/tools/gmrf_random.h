// Counter-based standard normals shared by gmrf_sample and gmrf_fdt: normal k of stream
// `stream` for seed `seed` is Box-Muller of two uniforms hashed (splitmix64) from (seed, stream,
// k), so any process can draw any entry of any field without a sequential stream: the draws do
// not depend on the rank count.
#pragma once
#include <petscsys.h>

#include <cmath>
#include <cstdint>

static inline uint64_t SplitMix64(uint64_t x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform in (0, 1) from 53 bits.
static inline double Uniform(uint64_t h)
{
  return ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Standard normal number k of stream `stream` for seed `seed`.
static inline double Normal(uint64_t seed, uint64_t stream, uint64_t k)
{
  const uint64_t base = SplitMix64(SplitMix64(seed) ^ SplitMix64(stream + 0x5851F42D4C957F2Dull));
  const uint64_t h1 = SplitMix64(base + 2 * k), h2 = SplitMix64(base + 2 * k + 1);
  return std::sqrt(-2.0 * std::log(Uniform(h1))) * std::cos(2.0 * PETSC_PI * Uniform(h2));
}
