// The interface of an outgoing channel (e-mail, webhook): one blocking
// attempt to hand one delivery to its receiver. Implementations say their
// own thread-safety; the dispatcher calls one Send at a time per sender.
#pragma once

#include "ecrn/notify/delivery.hpp"

namespace ecrn::notify {

class Sender {
 public:
  virtual ~Sender() = default;
  // Attempts `delivery` once and says how it went; never throws for
  // expected failures. Returns within the sender's own time-out.
  virtual SendResult Send(const Delivery& delivery) = 0;
};

}  // namespace ecrn::notify
