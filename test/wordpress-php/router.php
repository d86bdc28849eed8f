<?php
/**
 * Router for `php -S`: files that exist are served as they are (uploads, static assets, wp-login.php), every
 * other path goes to WordPress's index.php, as Apache's rewrite rules would send it: this is what makes pretty
 * permalinks (and so /wp-json/) work under PHP's built-in server.
 */
$root = $_SERVER['DOCUMENT_ROOT'];
$path = urldecode((string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($path !== '/' && is_file($root . $path)) {
    // A store across a network: LOUPE_TEST_LATENCY_MS delays each uploaded file (bench:connectors, optional).
    $latency = (int) getenv('LOUPE_TEST_LATENCY_MS');
    if ($latency > 0 && strpos($path, '/wp-content/uploads/') === 0) usleep($latency * 1000);
    return false;
}
chdir($root);
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
require $root . '/index.php';
