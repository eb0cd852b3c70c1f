#include "common/Base64.h"

#include <nettle/base64.h>

#include <cstdint>

namespace oxd::encoding {

std::string base64Encode(std::string_view bytes) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(bytes.size()), '\0');
  nettle_base64_encode_raw(out.data(), bytes.size(),
                           reinterpret_cast<const std::uint8_t*>(bytes.data()));
  return out;
}

}  // namespace oxd::encoding
