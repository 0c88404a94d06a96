import { defineRandomSuite } from './randomSuite.js';

defineRandomSuite(151, 50);
