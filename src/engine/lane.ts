// The two lanes a text is analysed in, chosen by its length, so a large text never delays a small one.
export const Lane = {
  SMALL: 'small',
  LARGE: 'large'
} as const
export type Lane = typeof Lane[keyof typeof Lane]

/**
 * Characters; a text this long or shorter is small. Measured on this 2-core VM: all three analyses
 * of ordinary prose cost ~0.03 ms/char at 500 characters and ~0.01 ms/char at 50 000, so a small
 * task takes 15–30 ms, and a small text queued behind a few others still answers within 100 ms.
 */
export const SMALL_TEXT_MAX_CHARS = 2_000

export function laneOf (chars: number): Lane {
  return chars <= SMALL_TEXT_MAX_CHARS ? Lane.SMALL : Lane.LARGE
}
