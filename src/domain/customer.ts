/** The housing system's customer/tenancy number, as typed by staff; normalised so "ab 123" and "AB123" match. */
export const CUSTOMER_REF_PATTERN = /^[A-Z0-9][A-Z0-9/-]{1,19}$/;

export function normaliseCustomerRef(text: string): string {
  return text.trim().toUpperCase().replace(/\s+/g, '');
}

export function isCustomerRef(text: string): boolean {
  return CUSTOMER_REF_PATTERN.test(normaliseCustomerRef(text));
}
