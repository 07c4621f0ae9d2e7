// The options export and compare share (see model_options.h).
#include "model_options.h"

#include <boost/algorithm/string.hpp>

#include "base/error.h"
#include "command_line.h"
#include "plugin/plugin_manifest.h"

namespace po = boost::program_options;

namespace mx::cli {

void ModelOptions::add_to(po::options_description& desc, bool dynamic) {
  // clang-format off
  desc.add_options()
      ("input,i", po::value(&inputs_)->composing(), kInputHelp)
      ("input-file", po::value(&o_.input_file),
       "example inputs from a file Python's torch.save wrote: a tensor or a tuple of tensors (instead of --input)")
      ("input-names", po::value(&input_names_), "comma-separated graph input names for --input-file (default: forward's)")
      ("arg", po::value(&args_)->composing(), kArgHelp)
      ("strategy-timeout", strategy_timeout_value(&o_.strategy_timeout), kStrategyTimeoutHelp)
      ("plugin-dir", po::value(&plugin_dirs_)->composing(),
       "folder with strategy plugins, searched before MODELEXPORT_PLUGIN_PATH and the installed folder (repeatable)")
      ("opset", po::value(&o_.opset)->default_value(17), "ONNX opset to target (14 to 17)")
      ("seed", po::value(&o_.seed)->default_value(0), "seed of the random example inputs")
      ("max-ops", max_ops_value(&o_.max_ops), kMaxOpsHelp)
      ("output-names", po::value(&output_names_),
       "comma-separated names of the graph outputs, one distinct name per output tensor (default output_0, ...)")
      ("keep-batchnorm", po::bool_switch(&keep_batchnorm_),
       "keep BatchNormalization nodes instead of folding them into the Conv before them")
      ("trace", po::value(&trace_)->default_value("meta"),
       "meta: run on real data only what the graph needs as values, the rest on shapes alone; real: run every op")
      ("check", po::bool_switch(&o_.check_trace),
       "also trace on real data and check that the meta trace agrees with it (shapes, dtypes, constants); "
       "on when MODELEXPORT_CHECK_TRACE=1");
  if (dynamic)
    desc.add_options()
      ("dynamic", po::value(&dynamic_)->composing(),
       "NAME:AXIS[:LABEL]: axis AXIS of input NAME may have another size at run time (repeatable); "
       "without it every size is fixed to the example's");
  // clang-format on
}

void ModelOptions::apply() {
  for (const auto& spec : inputs_) o_.inputs.push_back(parse_input_spec(spec));
  for (const auto& a : args_) o_.args.push_back(parse_arg_spec(a));
  for (const auto& d : dynamic_) o_.dynamic.push_back(parse_dynamic_axis(d));
  o_.output_names = split_names(output_names_);
  o_.fold_batchnorm = !keep_batchnorm_;
  if (trace_ != "meta" && trace_ != "real") throw Error("--trace '" + trace_ + "': give meta or real");
  o_.real_trace = trace_ == "real";
  if (!input_names_.empty()) boost::split(o_.input_names, input_names_, boost::is_any_of(","));
  o_.plugin_dirs = plugin_search_path(plugin_dirs_);
}

}  // namespace mx::cli
