/** A mounted piece of the page: its element, and how to let go of what it watches. */
export interface View {
  readonly element: HTMLElement;
  dispose(): void;
}
