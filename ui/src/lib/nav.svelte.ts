// Which section the window shows, and a listing to open there: the dashboard links straight into
// the editor.
export type Section = "dashboard" | "orders" | "packing" | "customers" | "book" | "review" | "listings" | "settings";

class Nav {
  section = $state<Section>("settings");
  /** A listing the listings page should open in its editor once shown. */
  openListing = $state<number | null>(null);

  /** An order the orders page should open once shown. */
  openOrder = $state<number | null>(null);

  /** An order the packing page should open once shown. */
  openPacking = $state<number | null>(null);

  /** A buyer the customers page should open once shown. */
  openCustomer = $state<number | null>(null);

  /** An order number the complaint book's form should start with. */
  newFeedbackOrder = $state<string | null>(null);

  showCustomer(id: number): void {
    this.openCustomer = id;
    this.section = "customers";
  }

  recordFeedback(orderNumber: string): void {
    this.newFeedbackOrder = orderNumber;
    this.section = "book";
  }

  packOrder(id: number): void {
    this.openPacking = id;
    this.section = "packing";
  }

  showOrder(id: number): void {
    this.openOrder = id;
    this.section = "orders";
  }

  editListing(id: number): void {
    this.openListing = id;
    this.section = "listings";
  }
}

export const nav = new Nav();
