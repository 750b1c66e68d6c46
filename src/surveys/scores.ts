// The arithmetic of the three standard scores, zod-free so the web app shows the same numbers:
// - NPS (Net Promoter Score): "How likely are you to recommend…", 0 to 10; 9–10 promoters,
//   7–8 passives, 0–6 detractors; NPS = % promoters − % detractors (−100 to +100).
// - CSAT: 1 to 5; 4–5 satisfied, 3 neutral, 1–2 dissatisfied; CSAT = % satisfied.
// - CES (customer effort): "The company made it easy for me to…", 1 to 7 (strongly disagree to
//   strongly agree); 5–7 easy, 4 neutral, 1–3 difficult; reported as the mean.

export const SCORED_TYPES = ['nps', 'csat', 'ces', 'rating'] as const;
export type ScoredType = (typeof SCORED_TYPES)[number];

export const BANDS = ['promoter', 'passive', 'detractor', 'satisfied', 'neutral', 'dissatisfied', 'easy', 'difficult'] as const;
export type Band = (typeof BANDS)[number];

/** The bands each standard score is split into, best first. */
export const BANDS_OF: Record<'nps' | 'csat' | 'ces', readonly Band[]> = {
  nps: ['promoter', 'passive', 'detractor'],
  csat: ['satisfied', 'neutral', 'dissatisfied'],
  ces: ['easy', 'neutral', 'difficult'],
};

/** The lowest and highest answer of a scored question (a rating's points from its own scale). */
export function scaleOf(type: ScoredType, points?: number): { min: number; max: number } {
  if (type === 'nps') return { min: 0, max: 10 };
  if (type === 'csat') return { min: 1, max: 5 };
  if (type === 'ces') return { min: 1, max: 7 };
  return { min: 1, max: points ?? 5 };
}

/** The band of a score of a standard question; null for ratings (no standard split). */
export function bandOf(type: ScoredType, score: number): Band | null {
  if (type === 'nps') return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  if (type === 'csat') return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'dissatisfied';
  if (type === 'ces') return score >= 5 ? 'easy' : score === 4 ? 'neutral' : 'difficult';
  return null;
}

export interface NpsFigures {
  /** Answers counted. */
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100 to 100, to one decimal; null without answers. */
  nps: number | null;
  /**
   * The 95% confidence interval of the NPS (normal approximation of the difference of two
   * proportions of one multinomial sample: var = (p + d − (p − d)²) / n), clamped to ±100;
   * null with fewer than 2 answers.
   */
  ci95: [number, number] | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** NPS from the counts of each band. */
export function npsOf(promoters: number, passives: number, detractors: number): NpsFigures {
  const n = promoters + passives + detractors;
  if (n === 0) return { n, promoters, passives, detractors, nps: null, ci95: null };
  const p = promoters / n;
  const d = detractors / n;
  const nps = (p - d) * 100;
  let ci95: [number, number] | null = null;
  if (n >= 2) {
    const half = 1.96 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / n) * 100;
    ci95 = [round1(Math.max(-100, nps - half)), round1(Math.min(100, nps + half))];
  }
  return { n, promoters, passives, detractors, nps: round1(nps), ci95 };
}

/** NPS from scores (0–10). */
export function npsOfScores(scores: number[]): NpsFigures {
  let p = 0;
  let s = 0;
  let d = 0;
  for (const x of scores) {
    if (x >= 9) p++;
    else if (x >= 7) s++;
    else d++;
  }
  return npsOf(p, s, d);
}

/** CSAT: the share of satisfied answers (4 or 5 of 5), in percent to one decimal. */
export function csatOf(scores: number[]): { n: number; satisfied: number; percent: number | null } {
  const satisfied = scores.filter((x) => x >= 4).length;
  return { n: scores.length, satisfied, percent: scores.length ? round1((satisfied / scores.length) * 100) : null };
}

/** The mean of scores (CES, ratings), to two decimals. */
export function meanOf(scores: number[]): { n: number; mean: number | null } {
  if (scores.length === 0) return { n: 0, mean: null };
  return { n: scores.length, mean: Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 };
}
