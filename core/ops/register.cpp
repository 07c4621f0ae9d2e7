// The list of core's C++ emitters.
#include "ops.h"

namespace mx {

void register_builtin_ops(OpRegistry& r) {
  register_conv(r);
  register_normalization(r);
  register_activations(r);
  register_indexing(r);
  register_reduce(r);
  register_rnn(r);
  register_sizes(r);
  register_pool(r);
  register_linear(r);
  register_arithmetic(r);
  register_shape_ops(r);
  register_identity_ops(r);
  register_compare_logic(r);
  register_math_ops(r);
  register_reduce_more(r);
  register_norms_stats(r);
  register_activations_more(r);
  register_pad(r);
  register_refused(r);
  register_reshape_more(r);
  register_gather_scatter(r);
  register_sort_ops(r);
  register_broadcast_ops(r);
  register_fused_attention(r);
}

}  // namespace mx
