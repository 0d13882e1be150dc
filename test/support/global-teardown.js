'use strict';
const fs = require('fs');
const { SHARED_DIR_ENV } = require('./global-setup');

module.exports = async () => {
  const dir = process.env[SHARED_DIR_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
