//! Random draws on top of `ChaCha8Rng`: the few distributions the generator needs, written out so that the
//! sequence of draws (and so the output) depends only on the seed.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub type Rand = ChaCha8Rng;

pub fn chance(rng: &mut Rand, p: f64) -> bool {
    rng.gen_bool(p.clamp(0.0, 1.0))
}

/// Uniform in `lo..=hi` (returns `lo` if the range is empty).
pub fn between(rng: &mut Rand, lo: i64, hi: i64) -> i64 {
    if hi <= lo { lo } else { rng.gen_range(lo..=hi) }
}

/// A random element (`None` for an empty slice).
pub fn pick<'a, T>(rng: &mut Rand, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.gen_range(0..items.len()))
}

/// An index drawn with the given non-negative weights (`None` when all are zero).
pub fn weighted_index(rng: &mut Rand, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let mut x = rng.gen_range(0.0..total);
    let mut last = None;
    for (i, w) in weights.iter().enumerate() {
        if *w <= 0.0 {
            continue;
        }
        last = Some(i);
        if x < *w {
            return Some(i);
        }
        x -= w;
    }
    last
}

/// Poisson(λ) by Knuth's method, in chunks of λ ≤ 30 so that `exp(−λ)` never underflows (a Poisson sum of
/// Poissons is Poisson).
pub fn poisson(rng: &mut Rand, lambda: f64) -> u32 {
    if !lambda.is_finite() || lambda <= 0.0 {
        return 0;
    }
    let mut remaining = lambda;
    let mut total = 0u32;
    while remaining > 0.0 {
        let chunk = remaining.min(30.0);
        remaining -= chunk;
        let limit = (-chunk).exp();
        let mut p = 1.0;
        let mut k = 0u32;
        loop {
            p *= rng.gen_range(0.0..1.0);
            if p <= limit {
                break;
            }
            k += 1;
        }
        total = total.saturating_add(k);
    }
    total
}

/// Approximately normal (sum of 12 uniforms − 6): bounded, cheap, good enough for spreads of amounts.
pub fn normalish(rng: &mut Rand) -> f64 {
    (0..12).map(|_| rng.gen_range(0.0..1.0)).sum::<f64>() - 6.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn poisson_mean_is_lambda() {
        let mut rng = Rand::seed_from_u64(7);
        for lambda in [0.5, 12.0, 75.0, 800.0] {
            let n = 4000;
            let mean = (0..n).map(|_| f64::from(poisson(&mut rng, lambda))).sum::<f64>() / f64::from(n);
            assert!(
                (mean - lambda).abs() < 0.05 * lambda + 0.1,
                "λ={lambda} mean={mean}"
            );
        }
    }

    #[test]
    fn weighted_index_respects_zero_weights() {
        let mut rng = Rand::seed_from_u64(1);
        for _ in 0..1000 {
            let i = weighted_index(&mut rng, &[0.0, 1.0, 0.0, 3.0]).unwrap();
            assert!(i == 1 || i == 3);
        }
        assert_eq!(weighted_index(&mut rng, &[0.0, 0.0]), None);
    }
}
