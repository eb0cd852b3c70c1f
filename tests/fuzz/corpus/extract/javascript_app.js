/**
 * The application module.
 */
'use strict';

const express = require('express');
const PORT = 8080;
let counter = 0;

function start(port) {
  const inner = () => {};
  return port;
}

async function* stream() {}

const handler = async (req, res) => {
  res.send(`template with ${req.url} and // not a comment`);
};

const legacy = function () {
  return "function fake() {}";
};

class Router extends Base {
  #routes = [];
  static instance = null;

  constructor(options) {
    super(options);
  }

  get size() {
    return this.#routes.length;
  }

  static create() {
    return new Router();
  }

  add = (route) => {
    this.#routes.push(route);
  }

  *entries() {}

  #secret() {}
}

// A regex with quotes and slashes: not a string, not a comment.
const pattern = /["'\/]+\/\/x/g;
const ratio = counter / 2 / 3;

const config = {
  name: 'app',
  method() { return 1; },
}

export default function main() {}
export const VERSION = "1.0"
export class Exported {}

module.exports = { start };
