#pragma once
// Standard base64 with padding: how Go's encoding/json writes a []byte field (the murmur
// message's murmur_json), for oxctl and the tests that speak that wire format.

#include <string>
#include <string_view>

namespace oxd::encoding {

std::string base64Encode(std::string_view bytes);

}  // namespace oxd::encoding
