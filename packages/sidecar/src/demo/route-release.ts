/** A window's release of one route, as the table reads it. */
export interface RouteRelease {
  value: number;
  sigma: number;
}
