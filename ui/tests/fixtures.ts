import type { ExhibitionDetail, ExhibitionSummary } from "../src/bindings";

export function summary(n: number, overrides: Partial<ExhibitionSummary> = {}): ExhibitionSummary {
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`,
    distributor_id: 1,
    group_id: 1,
    group_title: "Ventas Zona Sur",
    vendor_id: 10 + n,
    vendor_name: `Vendedor ${n}`,
    customer_number: `${1000 + n}`,
    pdv_type_id: 1,
    pdv_type_name: "Kiosco",
    status: "pending",
    evaluator_name: null,
    comment: null,
    rejection_reason: null,
    submitted_at: `2025-01-0${(n % 9) + 1}T12:00:00Z`,
    evaluated_at: null,
    submitted_at_local: `2025-01-0${(n % 9) + 1} 09:00`,
    evaluated_at_local: null,
    possible_duplicate: false,
    photo_count: 2,
    ...overrides,
  };
}

export function detail(item: ExhibitionSummary, overrides: Partial<ExhibitionDetail> = {}): ExhibitionDetail {
  return {
    ...item,
    photos: [
      // The server numbers a burst's photos from 0.
      { position: 0, storage_key: `${item.id}/0.jpg`, upload_state: "stored", width: 640, height: 480, size_bytes: 1000 },
      { position: 1, storage_key: `${item.id}/1.jpg`, upload_state: "stored", width: 640, height: 480, size_bytes: 1000 },
    ],
    history: [],
    time_zone: "America/Argentina/Buenos_Aires",
    duplicate_of: null,
    duplicate_of_submitted_at_local: null,
    ...overrides,
  };
}
