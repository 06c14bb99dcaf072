// libFuzzer target: the PSK broker wire format in both directions (wireguard/broker_protocol.cpp):
// length-prefixed frames cut at fuzzer-chosen points, then each payload decoded as a SetPsk
// request (daemon -> broker) and as a response (broker -> daemon). Properties: no payload larger
// than the limit; a decoded request keeps its fields when re-encoded, a response its code.
#include <algorithm>
#include <cstring>

#include "fuzz_util.h"
#include "rosenpass/wireguard/broker_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace rosenpass::wireguard::broker;
  using rosenpass::fuzz::check;
  if (size < 1) return 0;
  // First byte: chunk size for feeding (1..256), so frames straddle reads.
  const std::size_t chunk = std::size_t(data[0]) + 1;
  ++data;
  --size;
  FrameReader reader(kSetPskRequestSize);
  for (std::size_t off = 0; off < size && !reader.failed(); off += chunk) {
    if (!reader.feed({data + off, std::min(chunk, size - off)})) break;
    while (auto payload = reader.next()) {
      check(payload->size() <= kSetPskRequestSize, "payload above the limit");
      if (auto req = decode_request(*payload)) {
        // Reserved bytes and the name's padding are ignored (as the reference's broker does);
        // every field that is read must survive re-encoding.
        auto bytes = encode_request(*req);
        check(bytes.has_value(), "a decoded request does not encode");
        auto again = decode_request(*bytes);
        check(again && again->interface_name == req->interface_name && again->peer == req->peer &&
                  std::memcmp(again->psk.reveal().data(), req->psk.reveal().data(), 32) == 0,
              "request fields change when re-encoded");
        check(req->interface_name.size() <= kMaxInterfaceNameSize, "interface name too long");
      }
      if (auto code = decode_response(*payload)) {
        check(payload->size() == kSetPskResponseSize, "a response of another size");
        check(decode_response(encode_response(*code)) == code, "response code changes");
      }
    }
  }
  // The whole input as one payload, too (both decoders see arbitrary lengths).
  (void)decode_request({data, size});
  (void)decode_response({data, size});
  return 0;
}
