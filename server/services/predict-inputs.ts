// The six clinical factors of a prediction: one zod schema used by the browser form and by the server
// (predictions router). Pure (zod only) so client components can import it. Values outside the model's
// training range are accepted here and flagged by the engine (lib/nomogram outOfRange); only impossible
// values are refused.
import { z } from "zod";

export const T_STAGE_OPTIONS = ["T1", "T2", "T3", "T4"] as const;
export const LOCATION_OPTIONS = ["UIQ", "UOQ", "LIQ", "LOQ", "central"] as const;
export const POS_NEG_OPTIONS = ["positive", "negative"] as const;

/** Visible labels of the form (issue 6): the accessible name of each control equals its label. */
export const FACTOR_LABELS = {
  age: "Age",
  t_stage: "T stage",
  location: "Tumour location",
  er: "ER status",
  pr: "PR status",
  us_aln: "Ultrasound ALN status",
} as const;
export type FactorKey = keyof typeof FACTOR_LABELS;
export const FACTOR_KEYS = Object.keys(FACTOR_LABELS) as FactorKey[];

export const LOCATION_TEXT: Record<(typeof LOCATION_OPTIONS)[number], string> = {
  UIQ: "Upper inner quadrant (UIQ)",
  UOQ: "Upper outer quadrant (UOQ)",
  LIQ: "Lower inner quadrant (LIQ)",
  LOQ: "Lower outer quadrant (LOQ)",
  central: "Central",
};

export const clinicalInputsSchema = z.object({
  age: z
    .number({ error: "Age must be a number (years)." })
    .refine((v) => Number.isFinite(v), "Age must be a number (years).")
    .min(15, "Age must be at least 15 years.")
    .max(110, "Age must be at most 110 years."),
  t_stage: z.enum(T_STAGE_OPTIONS, { error: "Choose a T stage (T1–T4)." }),
  location: z.enum(LOCATION_OPTIONS, { error: "Choose the tumour location." }),
  er: z.enum(POS_NEG_OPTIONS, { error: "Choose the ER status." }),
  pr: z.enum(POS_NEG_OPTIONS, { error: "Choose the PR status." }),
  us_aln: z.enum(POS_NEG_OPTIONS, { error: "Choose the ultrasound ALN status." }),
});
export type ClinicalFactors = z.infer<typeof clinicalInputsSchema>;

/** Decision threshold on the probability scale (the "model's call"). */
export const thresholdSchema = z.number().gt(0).lt(1);
