#include "bench_requests.h"

#include <utility>

namespace bench {
namespace {

using Field = std::pair<const char*, const char*>;

// HS256, {"sub":"user_8f3a2c91","name":"Jane Doe","email":…,"iat":…,"exp":…,"scope":…}
constexpr const char* kJwt =
    "Bearer "
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJ1c2VyXzhmM2EyYzkxIiwibmFtZSI6IkphbmUgRG9lIiwiZW1haWwiOiJqYW5lLmRvZUBleGFtcGxlLmNv"
    "bSIsImlhdCI6MTczMzQwMDAwMCwiZXhwIjoxNzMzNDAzNjAwLCJzY29wZSI6Im9yZGVyczpyZWFkIG9yZGVyczp3cml0"
    "ZSJ9.Uj0jhuaopGPC5WEeVMUx19VaVzKcqDYE2_wz3XzACzs";

std::vector<Field> browser_headers() {
  return {
      {"Host", "api.example.com"},
      {"User-Agent",
       "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36"},
      {"Accept", "application/json, text/plain, */*"},
      {"Accept-Encoding", "gzip, deflate, br"},
      {"Authorization", kJwt},
      {"Cookie", "session=3f2a9c1e7b4d4e6fa0c2d9e8b7a61f3c; theme=dark"},
  };
}

// A 4 KiB order: items, addresses, a prose note (O'Brien, quotes, & and -).
constexpr const char* kOrder =
    R"json({"order_id": "ord_2024_118734", "customer_id": "cus_5521983", "currency": "EUR", "status": "pending", "created_at": "2024-12-05T13:42:17Z", "items": [{"sku": "TSH-ORG-M-BLK", "name": "Organic cotton T-shirt, black (M)", "quantity": 2, "unit_price": 24.9, "discount": 0.0, "tags": ["apparel", "organic"]}, {"sku": "MUG-CER-350", "name": "Ceramic mug 350 ml - \"Morning person\" edition", "quantity": 1, "unit_price": 12.5, "discount": 2.5, "tags": ["kitchen", "gift"]}, {"sku": "BK-0451", "name": "The Pragmatic Programmer, 20th anniversary edition", "quantity": 1, "unit_price": 41.99, "discount": 0.0, "tags": ["books"]}, {"sku": "CBL-USBC-2M", "name": "USB-C to USB-C cable, 2 m, 100 W", "quantity": 3, "unit_price": 9.99, "discount": 1.0, "tags": ["electronics", "accessories"]}, {"sku": "SOCK-WL-39-42", "name": "Merino wool socks (39-42), 3-pack", "quantity": 1, "unit_price": 19.0, "discount": 0.0, "tags": ["apparel"]}, {"sku": "NB-A5-DOT", "name": "A5 dotted notebook, recycled paper, 160 pages", "quantity": 2, "unit_price": 8.75, "discount": 0.0, "tags": ["stationery"]}, {"sku": "PEN-GEL-07-BLU", "name": "Gel pen 0.7 mm, blue (pack of 5)", "quantity": 1, "unit_price": 6.4, "discount": 0.0, "tags": ["stationery"]}, {"sku": "TEA-EARL-100", "name": "Earl Grey loose-leaf tea, 100 g tin", "quantity": 2, "unit_price": 7.2, "discount": 0.5, "tags": ["food", "gift"]}, {"sku": "CARD-BDAY-07", "name": "Birthday card \"Another lap around the sun\"", "quantity": 1, "unit_price": 3.5, "discount": 0.0, "tags": ["gift"]}, {"sku": "CNDL-SOY-CED", "name": "Soy candle, cedar & bergamot, 200 g", "quantity": 1, "unit_price": 15.0, "discount": 0.0, "tags": ["home", "gift"]}], "shipping_address": {"name": "Siobhan O'Brien", "company": "Brightwater Design Ltd.", "line1": "Flat 4, 27 Harcourt Street", "line2": "", "city": "Dublin", "postcode": "D02 H529", "country": "IE", "phone": "+353 1 555 0142"}, "billing_address": {"name": "Siobhan O'Brien", "line1": "27 Harcourt Street", "city": "Dublin", "postcode": "D02 H529", "country": "IE", "vat_id": "IE6388047V"}, "shipping": {"method": "express", "carrier": "DPD", "price": 7.95, "insurance": true}, "payment": {"method": "card", "brand": "visa", "last4": "4242", "three_ds": true}, "gift": {"wrap": true, "message": "Happy birthday, Aoife! Hope the mug makes Monday mornings a little easier :) Love, S."}, "note": "Hi there, could you please leave the parcel with the concierge at the front desk if nobody answers? The building's intercom has been broken since last week (the landlord says it'll be fixed \"soon\", whatever that means). Also, if the socks are out of stock in 39-42, I'd rather take 43-46 than wait - my partner won't mind. Please don't include a printed invoice in the box; it's a present & I'll download the PDF from my account instead. One more thing: last time the mug arrived chipped, so extra bubble wrap would be much appreciated! We're away from 20 to 23 December, so if delivery can't happen before the 19th, hold it at the depot and I'll pick it up. Thanks a lot for your help, and sorry for the long note.", "metadata": {"source": "web", "campaign": "winter-sale-2024", "utm_medium": "email", "ab_test": "checkout_v3_b", "locale": "en-IE", "client_version": "5.12.3"}, "totals": {"subtotal": 147.26, "discount": 5.5, "shipping": 7.95, "tax": 33.87, "total": 183.58}, "events": [{"at": "2024-12-05T13:40:02Z", "type": "cart_updated", "by": "customer"}, {"at": "2024-12-05T13:41:55Z", "type": "coupon_applied", "code": "WINTER10", "by": "customer"}, {"at": "2024-12-05T13:42:17Z", "type": "checkout_started", "by": "customer"}], "delivery_instructions": "Side gate code is 4471 (the green door next to the bakery). If the courier arrives between 12:00 and 13:30 please ring the bakery instead; Maeve knows me and will happily take it in. Weekends are fine too.", "loyalty": {"member_id": "LYL-0098812", "points_used": 250, "points_earned": 183, "tier": "silver"}, "customer_reference": "PO-2024-12-0042 / cost centre 118 (marketing), approved by D. Walsh", "preferred_delivery_window": {"from": "2024-12-09", "to": "2024-12-19"}})json";

}  // namespace

Request make_request(const char* name, const char* method, const char* target, std::string body) {
  Request r;
  r.name = name;
  r.head.method_string(method);
  r.head.target(target);
  r.head.version(11);
  for (const auto& [field, value] : browser_headers()) r.head.insert(field, value);
  if (!body.empty()) {
    r.head.insert("Content-Type", "application/json");
    r.head.insert("Content-Length", std::to_string(body.size()));
  }
  r.client_ip = "203.0.113.7";
  r.body = std::move(body);
  return r;
}

const std::vector<Request>& requests() {
  static const std::vector<Request> all = [] {
    std::vector<Request> out;
    out.push_back(make_request("get", "GET", "/api/orders?status=shipped&page=2", {}));
    out.push_back(make_request("json", "POST", "/api/orders", kOrder));
    return out;
  }();
  return all;
}

}  // namespace bench
