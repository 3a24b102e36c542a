// The codes of every sample of a data set as CSV, for analysis elsewhere (pandas, R, a spreadsheet):
// one row per sample, in the data set's order, with its split, label and true factors, then the
// model's code; for a variational model the code is mu, followed by sigma = exp(logvar / 2). The
// GUI's Export menu and `latentlab train --export-codes` write the same file through this.
//
//   index,split,label[,label_name],<factor>...,z0,...,z{L-1}               (other kinds)
//   index,split,label[,label_name],<factor>...,mu0,...,mu{L-1},sigma0,...   (variational kinds)
//
// split is train or heldout; label is -1 for an unlabelled sample; label_name is there when the
// data names its labels (quoted as CSV quotes). Numbers carry 9 significant digits (a float, exactly).
#pragma once
#include <string>

#include "data/dataset.h"
#include "models/model.h"

// Throws InputError when net does not take the data's features.
std::string codes_csv(const Network& net, const Dataset& data);
// codes_csv written atomically (io/file_write.h); false and *error naming the file on failure.
bool codes_csv_write(const Network& net, const Dataset& data, const std::string& path, std::string* error);
