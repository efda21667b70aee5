// Colours shared by the map, the list and the charts (no library here, so the first view can use them).

/** Colours of series, readable for common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
];

/** Colour of each border on the map and in charts. */
export const BORDER_COLOURS = { mexico: "#D55E00", canada: "#0072B2" } as const;
